import { ObjectType } from 'type-graphql';
import { ConnectionType, EdgeType } from '../relay/connection.type.js';
import { Image } from './image.type.js';

@ObjectType({ simpleResolvers: true, description: 'An image and its cursor.' })
export class ImageEdge extends EdgeType(Image) {}

@ObjectType({ simpleResolvers: true, description: 'A page of images (Relay cursor connection).' })
export class ImageConnection extends ConnectionType(Image, ImageEdge) {}
